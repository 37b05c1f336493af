"""What only the tests use: the pytest plugin, the fault proxy, the secret scan, the browser
helper and test bootstrap helpers. The servers they run come from ``owui_notebook.sandbox``."""
