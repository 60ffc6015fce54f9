"""Text intelligence learned from the office's own complaints, in Chinese and English.

- `text`: normalising descriptions and the shared character n-gram TF-IDF space
- `classifier`: fitting, measuring and serialising the category and urgency models
- `training`: which complaints teach (only person-confirmed ones), versions, the rule
  that a new version is used only if it is at least as good as the current one
- `models`: the version in use, loaded once per process
- `suggest`: category / urgency suggestions with calibrated confidences
- `similarity`: resolved complaints most like a text (cosine in the same space)
- `knowledge`: knowledge-base articles and reply templates for a complaint
- `sentiment`: a small zh/en lexicon score for rules
- `hotspots`: the terms rising fastest per region and category

Nothing is downloaded at run time: everything is fitted here, from this database.
"""
