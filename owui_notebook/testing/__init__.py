"""Real-server test harness: a deterministic model provider and a real Open WebUI behind it."""
