"""bingeo's command-line experiments: each module is a command
(``python -m sims.angle``, ``python -m sims.bnn``, ...). The only place in the
project that prints, plots and writes files."""
