"""One module per AWS service: the provisioners of its CloudFormation resource types."""
