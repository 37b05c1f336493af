"""Open WebUI in JupyterLab's chat panel: a Jupyter AI persona.

``pip install "owui-notebook[jupyter-ai]"``, restart JupyterLab, open a chat and pick (or
@-mention) "Open WebUI". The persona is registered through the ``jupyter_ai.personas`` entry
point as `owui_notebook.jupyter_ai.persona.OpenWebUIPersona`; the conversation logic, free
of Jupyter AI, is `owui_notebook.jupyter_ai.session.Session`. Neither ``import owui_notebook``
nor ``%load_ext owui_notebook`` loads this package.
"""
