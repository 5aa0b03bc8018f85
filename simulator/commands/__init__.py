"""The `lambda-sim` subcommands, one module each; `simulator/cli.py` assembles them.

May import anything below it (the composition root, the HTTP server, the API clients);
nothing imports a command."""
