"""Reusable input widgets: dates with precision, places, victims, incidents."""
