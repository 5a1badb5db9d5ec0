/// Connection racing across a host's addresses (RFC 8305, Happy Eyeballs v2).
enum HappyEyeballs {
    /// Reorders addresses so that families alternate, starting with the family
    /// of the first (the system's preferred) address (RFC 8305 §4).
    static func interleavingFamilies(_ addresses: [SocketAddress]) -> [SocketAddress] {
        guard let first = addresses.first else { return [] }
        var preferred = addresses.filter { $0.family == first.family }[...]
        var other = addresses.filter { $0.family != first.family }[...]
        var result: [SocketAddress] = []
        while !preferred.isEmpty || !other.isEmpty {
            if let next = preferred.popFirst() { result.append(next) }
            if let next = other.popFirst() { result.append(next) }
        }
        return result
    }

    private enum Outcome: Sendable {
        case connected(TCPSocket)
        case failed(SocketAddress, PorterError)
        case delayElapsed
    }

    /// Starts an attempt on the first address, another whenever the delay
    /// passes or an attempt fails, and returns the first socket to connect;
    /// the other attempts are cancelled and their sockets closed.
    static func race(_ addresses: [SocketAddress], host: String, deadline: Deadline?, options: SocketOptions) async throws(PorterError) -> TCPSocket {
        let result: Result<TCPSocket, PorterError> = await withTaskGroup(of: Outcome.self) { group in
            var next = 0
            var running = 0
            var failures: [(SocketAddress, PorterError)] = []
            func startNext() {
                guard next < addresses.count else { return }
                let address = addresses[next]
                next += 1
                running += 1
                group.addTask {
                    do throws(PorterError) {
                        return .connected(try await TCPSocket.connectOne(to: address, deadline: deadline, options: options))
                    } catch {
                        return .failed(address, error)
                    }
                }
                if next < addresses.count {
                    group.addTask {
                        try? await Task.sleep(for: options.attemptDelay)
                        return .delayElapsed
                    }
                }
            }
            startNext()
            while let outcome = await group.next() {
                switch outcome {
                case .connected(let socket):
                    group.cancelAll()
                    return .success(socket)
                case .failed(let address, let error):
                    running -= 1
                    failures.append((address, error))
                    startNext()
                case .delayElapsed:
                    startNext()
                }
                if running == 0 && next == addresses.count { break }
            }
            group.cancelAll()
            if let bind = failures.first(where: { $0.1.code == .localBindFailed }) { return .failure(bind.1) }
            if let timeout = failures.first(where: { $0.1.code == .timedOut }) {
                return .failure(PorterError(.timedOut, "\(timeout.1.reason) to \(host)"))
            }
            let port = addresses.first?.port ?? 0
            let reasons = failures.map { "\($0.0): \($0.1.reason)" }.joined(separator: "; ")
            return .failure(PorterError(.cannotConnect, "could not connect to \(host) port \(port): \(reasons)"))
        }
        return try result.get()
    }
}
