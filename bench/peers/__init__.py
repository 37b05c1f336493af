"""owui-notebook against the other Open WebUI clients on PyPI: ``python -m bench.peers``."""
