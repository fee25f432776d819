"""The Open Referral UK (HSDS-UK 3.0) open-data feed of the catalogue, and the import of other directories' feeds."""
