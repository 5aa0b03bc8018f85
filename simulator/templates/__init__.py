"""Read template files: SAM and CloudFormation templates into plain dicts (CloudFormation's
short tags in their long form), and Serverless Framework service files into the SAM template
they deploy as. Deploying them is the stack engine's job.

May import: the plain modules."""

from simulator.templates.errors import TemplateError

__all__ = ["TemplateError"]
