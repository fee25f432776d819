"""The searchable catalogue: listings (services, people, community resources), search, the
provider portal and the council's catalogue pages. ``catalogue.wiring.init_app`` plugs it into the app."""
