"""Budget-aware ordering: purchases and schedules, by holders, representatives and brokers."""
