"""Run the platform's services and sandboxes on the local stack (`make platform-up`, `make demo`)."""
