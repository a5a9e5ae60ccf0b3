import KAASQLite

extension Hub {
    /// A write that shares a group commit: a batch, or the record of a kommun's last contact.
    enum GroupWrite: Sendable {
        case batch(BatchOutcome)
        case contactRecorded

        /// Whether the hub's figures changed (a recorded contact changes none).
        var changesFigures: Bool {
            if case let .batch(outcome) = self { return outcome.changesFigures }
            return false
        }
    }

    /// Runs `work` in the next group commit and returns its output after that group committed.
    func inGroupCommit(_ work: @escaping (Database) throws -> GroupWrite) throws -> GroupWrite {
        try groupCommit.run(executeGroup, work)
    }

    /// Runs a group of writes in one transaction under the lock: each in its own savepoint (its
    /// `database.write` nests), so one failing batch rolls back only itself. A job is reported
    /// done only if the transaction holding it committed.
    ///
    /// After some errors (SQLITE_FULL, SQLITE_IOERR) SQLite rolls back the whole transaction
    /// itself: the jobs before are undone with it and must fail, and the jobs after get a new
    /// transaction, so that none commits on its own outside the group (and is then reported failed
    /// when the group's COMMIT finds no transaction).
    func executeGroup(_ jobs: [(Database) throws -> GroupWrite]) -> [Result<GroupWrite, any Error>] {
        let (results, changedFigures) = withDatabase { database -> ([Result<GroupWrite, any Error>], Bool) in
            var results: [Result<GroupWrite, any Error>] = []
            /// Indices of the jobs done in the transaction now open.
            var pending: [Int] = []
            func fail(_ indices: [Int], _ error: any Error) {
                for index in indices { results[index] = .failure(error) }
            }
            func changed() -> Bool { pending.contains { (try? results[$0].get())?.changesFigures == true } }
            do {
                try database.execute(script: "BEGIN IMMEDIATE")
            } catch {
                return (jobs.map { _ in .failure(error) }, false)
            }
            for (index, job) in jobs.enumerated() {
                do {
                    results.append(.success(try job(database)))
                    pending.append(index)
                } catch {
                    results.append(.failure(error))
                }
                guard !database.isInTransaction else { continue }
                fail(pending, HubError.other("SQLite rolled back the group's transaction"))
                pending = []
                guard index + 1 < jobs.count else { return (results, false) }
                do {
                    try database.execute(script: "BEGIN IMMEDIATE")
                } catch {
                    return (results + jobs.dropFirst(index + 1).map { _ in .failure(error) }, false)
                }
            }
            do {
                try database.execute(script: "COMMIT")
            } catch {
                if database.isInTransaction { try? database.execute(script: "ROLLBACK") }
                fail(pending, error)
                return (results, false)
            }
            return (results, changed())
        }
        if changedFigures { publicationCache.invalidate() }
        return results
    }
}
