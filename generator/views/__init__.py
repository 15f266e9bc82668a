"""Page producers: each module exposes ``pages(corpus, env) -> Iterable[Page]``."""
