"""Customer privacy: personal data sealed at rest, masked on screen, rights of the person, audit."""
