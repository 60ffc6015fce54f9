"""Reference tables the application owns (not demo data): China's regions."""
