"""aidkit: the provincial workbook standard of Vietnam's Friendship Unions, as code."""

__version__ = "0.1.0"
