"""`make bench`: load, page weight and results timings, measured side by side with their
floors (see README.md here). Nothing in the app imports this package."""
