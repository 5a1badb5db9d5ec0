/// curl 8's HTTP(S) options that Porter does not have, each with the reason. The parser
/// names the reason when one is used (exit 2, as curl does for an option its libcurl was
/// built without), the README lists them, and a test checks that every curl option is
/// either in ``OptionTable`` or here.
enum UnsupportedOptions {
    static let reasons: [String: String] = [
        "http2": "HTTP/2 is not implemented yet; Porter speaks HTTP/1.1",
        "http2-prior-knowledge": "HTTP/2 is not implemented yet; Porter speaks HTTP/1.1",
        "proxy-http2": "HTTP/2 is not implemented yet; Porter speaks HTTP/1.1 to proxies",
        "http3": "HTTP/3 (QUIC) is not implemented",
        "http3-only": "HTTP/3 (QUIC) is not implemented",
        "proxy-http3": "HTTP/3 (QUIC) is not implemented",
        "alt-svc": "no Alt-Svc cache: it only serves HTTP/2 and HTTP/3 alternatives, which Porter does not speak",
        "hsts": "no HSTS cache file yet (porter compare reports a site's HSTS policy)",
        "ssl-sessions": "TLS sessions are kept in memory for the command, not in a file",
        "tls-earlydata": "TLS 1.3 early data (0-RTT) is never sent: it can be replayed",
        "ech": "Encrypted Client Hello needs an OpenSSL with ECH, which Debian's 3.0 is not",
        "ntlm": "NTLM is not implemented (it needs MD4 and DES, which OpenSSL 3 keeps in its legacy provider)",
        "ntlm-wb": "NTLM is not implemented (curl 8.8 removed ntlm_auth delegation too)",
        "proxy-ntlm": "NTLM is not implemented",
        "negotiate": "SPNEGO/Kerberos needs GSS-API, which Porter is not built with",
        "proxy-negotiate": "SPNEGO/Kerberos needs GSS-API, which Porter is not built with",
        "delegation": "Kerberos credential delegation needs GSS-API, which Porter is not built with",
        "service-name": "SPNEGO service names need GSS-API, which Porter is not built with",
        "proxy-service-name": "SPNEGO service names need GSS-API, which Porter is not built with",
        "socks5-gssapi": "SOCKS 5 GSS-API authentication needs GSS-API, which Porter is not built with",
        "socks5-gssapi-nec": "SOCKS 5 GSS-API authentication needs GSS-API, which Porter is not built with",
        "socks5-gssapi-service": "SOCKS 5 GSS-API authentication needs GSS-API, which Porter is not built with",
        "proxy-digest": "Digest authentication to proxies is not implemented yet (Basic is)",
        "proxy-anyauth": "choosing a proxy authentication scheme is not implemented yet (Basic is sent)",
        "tlsauthtype": "TLS-SRP is deprecated in OpenSSL 3",
        "tlsuser": "TLS-SRP is deprecated in OpenSSL 3",
        "tlspassword": "TLS-SRP is deprecated in OpenSSL 3",
        "proxy-tlsauthtype": "TLS-SRP is deprecated in OpenSSL 3",
        "proxy-tlsuser": "TLS-SRP is deprecated in OpenSSL 3",
        "proxy-tlspassword": "TLS-SRP is deprecated in OpenSSL 3",
        "engine": "OpenSSL engines are deprecated in OpenSSL 3; keys are read from PEM files",
        "doh-url": "DNS-over-HTTPS is not implemented; names are resolved by the system (and --resolve, --connect-to)",
        "doh-insecure": "DNS-over-HTTPS is not implemented",
        "doh-cert-status": "DNS-over-HTTPS is not implemented",
        "dns-servers": "names are resolved by the system's resolver, which has no per-call servers",
        "dns-interface": "names are resolved by the system's resolver, which has no per-call interface",
        "dns-ipv4-addr": "names are resolved by the system's resolver, which has no per-call address",
        "dns-ipv6-addr": "names are resolved by the system's resolver, which has no per-call address",
        "aws-sigv4": "AWS Signature Version 4 is not implemented",
        "httpsig-algo": "HTTP message signatures are not implemented",
        "httpsig-headers": "HTTP message signatures are not implemented",
        "httpsig-key": "HTTP message signatures are not implemented",
        "httpsig-keyid": "HTTP message signatures are not implemented",
        "libcurl": "Porter is not libcurl: there is no C program to write",
        "dump-ca-embed": "Porter embeds no CA bundle; it uses the system's",
        "metalink": "curl removed Metalink in 7.78",
        "trace-config": "-v and --trace have no components to select",
        "variable": "config-file variables are not implemented",
        "expand-url": "config-file variables are not implemented",
    ]

    /// The reason for `name` (or `no-name`), when it is a curl option Porter lacks.
    static func reason(for name: String) -> String? {
        reasons[name] ?? (name.hasPrefix("no-") ? reasons[String(name.dropFirst(3))] : nil)
    }
}
