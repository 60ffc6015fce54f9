"""Personal data: encryption at rest, masking, access log, the person's rights, the audit trail."""
