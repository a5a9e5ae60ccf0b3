import KAACore

// The guard against an empty or truncated extract (issue 14): people absent from the folkbokföring
// extract leave KAA, so a file cut short by a failed transfer would de-register them and the next
// full file would register them again as new episodes, breaking every figure in between.
extension Register {
    /// Refuses a run that would make too many open episodes leave for being absent: more than
    /// `departureLimitPercent` % of them and more than `departureLimitCount` people (both, so a small
    /// kommun where two of eight move away is not stopped), unless `isAccepted` (`--accept-departures`).
    /// An extract without a single data row is refused always: it cannot be a kommun's population.
    func checkDepartures(_ scan: IdentifyScan, extract: String, isAccepted: Bool) throws(RegisterError) {
        guard scan.rows > 0 else {
            throw .invalidInput(field: "--folkbokforing", message: "\(extract) har inga datarader, bara en rubrikrad; ett tomt uttag skulle "
                + "avregistrera alla i aktivitetsansvaret. Ingenting har ändrats; hämta uttaget igen")
        }
        let open = scan.states.values.filter { $0.state.open != nil }.count
        let absent = scan.leaving.filter(\.isMissing).count
        let percent = configuration.departureLimitPercent, count = configuration.departureLimitCount
        guard !isAccepted, absent > count, absent * 100 > open * percent else { return }
        let share = SwedishFormat.figure(open > 0 ? Double(absent) / Double(open) : nil, isShare: true)
        throw .invalidInput(field: "--accept-departures", message: "uttaget (\(scan.rows) rader) skulle avregistrera \(absent) av \(open) öppna inskrivningar "
            + "(\(share)) för att personerna saknas i det, fler än både \(percent) % och \(count) personer (departureLimitPercent, "
            + "departureLimitCount); uttaget kan vara tomt eller avkortat. Ingenting har ändrats. Kontrollera radantalet mot beställningen; "
            + "stämmer uttaget, kör igen med --accept-departures (--dry-run --accept-departures visar vilka som avregistreras)")
    }
}
