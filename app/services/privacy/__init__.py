"""Customer privacy: personal data sealed at rest, masked on screen, the access log, the
person's rights, the audit trail."""
