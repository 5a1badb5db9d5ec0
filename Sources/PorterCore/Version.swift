/// Porter's version, sent in the default `User-Agent` as `porter/VERSION`.
public let porterVersion = "0.1.0"
