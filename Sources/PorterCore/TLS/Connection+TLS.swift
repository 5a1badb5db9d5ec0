extension Connection {
    /// What the TLS handshake agreed on, or nil when the top layer of the chain is not TLS.
    var tlsSession: TLSSessionInfo? { (transport as? TLSStream)?.session }
}
