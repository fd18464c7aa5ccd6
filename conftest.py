"""Root pytest configuration: doctests run over the packages, but never a
command's ``__main__`` module (importing it would run the command)."""

collect_ignore_glob = ["*/__main__.py", "docs/*", "build/*", ".venv/*"]
