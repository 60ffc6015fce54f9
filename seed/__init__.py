"""Demo data for ParcelDesk."""
