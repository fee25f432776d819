"""People who sign in, and the roles they hold in each council."""
