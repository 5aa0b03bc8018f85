"""The `lambda-sim` subcommands, one module each; `simulator/cli.py` assembles them."""
