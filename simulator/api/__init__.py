"""HTTP faces of the simulator: the Lambda control API (boto3-facing) and the Runtime API."""
