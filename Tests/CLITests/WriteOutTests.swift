import Foundation
import PorterCore
import PorterTestSupport
import Testing

/// `-w/--write-out` and `--timing` against scripted servers.
@Suite("porter write-out")
struct WriteOutTests {
    @Test func reportsStatusSizesAndConnectionReuse() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello")
        let result = try await PorterProcess.run([
            "-s", "-o", "/dev/null", "-o", "/dev/null",
            "-w", "%{http_code} %{num_connects} %{size_download} %{size_header} %{content_type} %{remote_ip} %{url_effective}\\n",
            server.url("/a"), server.url("/b"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let header = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n".utf8.count
        #expect(result.stdoutText == """
            200 1 5 \(header) text/plain 127.0.0.1 \(server.url("/a"))
            200 0 5 \(header) text/plain 127.0.0.1 \(server.url("/b"))

            """)
    }

    @Test func aFailedTransferIsStillReported() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n")
        let result = try await PorterProcess.run(["-s", "-L", "--max-redirs", "1", "-o", "/dev/null", "-w", "%{json}", server.url("/start")])
        #expect(result.status == 47)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        #expect(object["exitcode"] as? Int == 47)
        #expect((object["errormsg"] as? String)?.contains("redirects") == true)
        #expect(object["http_code"] as? Int == 0)
    }

    @Test func jsonReportsPhasesInOrder() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        let result = try await PorterProcess.run(["-s", "-o", "/dev/null", "-w", "%{json}", server.url("/")])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        let phases = ["time_namelookup", "time_connect", "time_pretransfer", "time_starttransfer", "time_total"]
        let times = phases.compactMap { object[$0] as? Double }
        #expect(times.count == phases.count)
        #expect(times == times.sorted())
        #expect(object["http_code"] as? Int == 200)
        #expect(object["num_connects"] as? Int == 1)
    }

    @Test func timingDrawsOneBlockPerHop() async throws {
        let server = try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                if request.target == "/start" {
                    try connection.write("HTTP/1.1 301 Moved\r\nLocation: /end\r\nContent-Length: 0\r\n\r\n")
                } else {
                    try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                }
            }
        }
        let result = try await PorterProcess.run(["-s", "-L", "--timing", server.url("/start")])
        #expect(result.status == 0)
        #expect(result.stderr.contains("* hop 1: 301 \(server.url("/start"))"))
        #expect(result.stderr.contains("* hop 2: 200 \(server.url("/end")) (reused connection)"))
        #expect(result.stderr.contains("TCP connect"))
        #expect(result.stderr.contains("content transfer"))
    }

    /// curl warns of a variable it does not know and runs the transfer (here refused: 7).
    @Test func unknownVariablesAreWarnedOf() async throws {
        let result = try await PorterProcess.run(["-w", "%{no_such_thing}", "http://127.0.0.1:9/"])
        #expect(result.status == 7)
        #expect(result.stderr.contains("warning: unknown --write-out variable %{no_such_thing}"))
    }

    /// The variables curl 8 added or that need the wire: request and upload sizes, the
    /// redirect not followed, the connection number, the URL's parts.
    @Test func reportsRequestUploadRedirectAndURLParts() async throws {
        let server = try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                let location = request.target.hasPrefix("/moved") ? "Location: /new?x=1\r\n" : ""
                try connection.write("HTTP/1.1 \(location.isEmpty ? "200 OK" : "301 Moved")\r\n\(location)Content-Length: 0\r\n\r\n")
            }
        }
        let url = server.url("/moved?q=2#part")
        let result = try await PorterProcess.run([
            "-s", "-d", "abcdef", "-o", "/dev/null",
            "-w", "%{size_upload} %{size_request} %{redirect_url} %{conn_id} %{method} %{url.path} %{url.query} %{url.fragment} %{url.port} %{urle.path}|%{num_retries}",
            url,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let head = try #require(server.requestHeads.first)
        #expect(result.stdoutText == "6 \(head.utf8.count + 6) \(server.url("/new?x=1")) 0 POST /moved q=2 part \(server.port) /moved|0")
    }

    /// `%{json}` has curl 8's keys, with null where curl writes null (no error, no
    /// redirect, no query) and `curl_version` last.
    @Test func jsonHasCurlsKeysAndNulls() async throws {
        let server = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        let result = try await PorterProcess.run(["-s", "-o", "/dev/null", "-w", "%{json}", server.url("/")])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        let curlKeys = [
            "certs", "conn_id", "content_type", "errormsg", "exitcode", "filename_effective", "http_code", "http_connect",
            "http_version", "local_ip", "local_port", "method", "num_certs", "num_connects", "num_headers", "num_redirects",
            "num_retries", "proxy_ssl_verify_result", "proxy_used", "redirect_url", "referer", "remote_ip", "remote_port",
            "response_code", "scheme", "size_delivered", "size_download", "size_header", "size_request", "size_upload",
            "speed_download", "speed_upload", "ssl_verify_result", "time_appconnect", "time_connect", "time_namelookup",
            "time_posttransfer", "time_pretransfer", "time_queue", "time_redirect", "time_starttransfer", "time_total",
            "tls_earlydata", "url", "url_effective", "urlnum", "xfer_id", "curl_version",
        ] + ["fragment", "host", "options", "password", "path", "port", "query", "scheme", "user", "zoneid"].flatMap { ["url.\($0)", "urle.\($0)"] }
        #expect(Set(object.keys) == Set(curlKeys))
        for key in ["errormsg", "redirect_url", "referer", "content_type", "url.query", "url.user", "url.fragment"] {
            #expect(object[key] is NSNull, "\(key) is \(String(describing: object[key]))")
        }
        #expect(object["local_ip"] as? String == "127.0.0.1")
        #expect((object["local_port"] as? Int ?? 0) > 0)
        #expect(object["http_version"] as? String == "1.1")
        // curl_version comes last; Porter names itself and its libraries there.
        let version = try #require(object["curl_version"] as? String)
        #expect(version.hasPrefix("porter/\(porterVersion) OpenSSL/"))
        #expect(result.stdoutText.hasSuffix("\"curl_version\":\"\(version)\"}"))
    }

    /// Over TLS: the chain's certificates (`%{certs}` in PEM) and their count; through a
    /// proxy: its answer to CONNECT, and that a proxy was used.
    @Test func reportsCertificatesAndTheProxysAnswer() async throws {
        let certificates = try TestCertificates.shared
        let origin = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", security: .tls(certificates))
        let proxy = try TinyproxyServer()
        let result = try await PorterProcess.run([
            "-s", "-o", "/dev/null", "-x", proxy.url(), "--cacert", certificates.caCertificatePath,
            "-w", "%{http_connect} %{proxy_used} %{num_certs}\n%{certs}", "https://localhost:\(origin.port)/",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "200 1 \(lines.first?.split(separator: " ").last ?? "")")
        let count = Int(lines.first?.split(separator: " ").last ?? "") ?? 0
        #expect(count >= 1)
        #expect(result.stdoutText.components(separatedBy: "-----BEGIN CERTIFICATE-----").count - 1 == count)
        #expect(result.stdoutText.contains("\nSubject:") && result.stdoutText.contains("\nIssuer:"))
    }

    /// `-v` on https names the certificate's subject, dates, the name that matched, the issuer.
    @Test func verboseShowsTheServerCertificate() async throws {
        let certificates = try TestCertificates.shared
        let origin = try ScriptedServer.respondingAlways(with: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", security: .tls(certificates))
        let result = try await PorterProcess.run(["-v", "-o", "/dev/null", "--cacert", certificates.caCertificatePath, "https://localhost:\(origin.port)/"])
        #expect(result.status == 0, "\(result.stderr)")
        for line in ["* Server certificate:", "*  subject: ", "*  start date: ", "*  expire date: ", "*  subjectAltName: host \"localhost\" matched cert's \"localhost\"", "*  issuer: ", "* ALPN: server"] {
            #expect(result.stderr.contains(line), "-v lacks \(line)")
        }
    }
}
