"""gzsim: system-dynamics scenario simulator for Ganzhou's science & technology plan."""

__version__ = "0.1.0"
