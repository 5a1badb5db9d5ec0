/// A JSON object built member by member; keys stay in the order they were added, so output is stable.
struct JSONObject {
    var members: [(String, JSONValue)] = []

    mutating func add(_ key: String, _ value: JSONValue) { members.append((key, value)) }
}
