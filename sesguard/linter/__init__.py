"""The engine: sources -> model -> rules -> findings -> reporters."""
