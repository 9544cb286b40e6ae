"""No models: views only."""
