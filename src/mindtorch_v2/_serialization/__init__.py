"""Implementation of torch.save / torch.load (the public API is ``serialization.py``).

- ``names``: the torch global names a checkpoint refers to, both directions;
- ``rebuild``: the functions those names resolve to when loading here;
- ``pickler``: writes ``data.pkl`` with torch's names and storage persistent ids;
- ``unpickler``: reads it back (and the weights-only allow-list);
- ``location``: location tags and ``map_location``;
- ``zip_format`` / ``legacy``: the two container formats.
"""
