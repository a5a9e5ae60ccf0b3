import KAACore
import KAAProtocol

/// The cell catalogue (design §6) as `/v1/tables` describes it: each table's Swedish label and
/// whom it counts, its dimensions and every value they can take, labelled from the code lists.
enum CatalogueDescription {
    /// The body of `/v1/tables`, built once (the catalogue is fixed in a build).
    static let response: TablesResponse = {
        let catalog = CodeCatalog.builtIn
        let tables = CellTable.allCases.map { table in
            let definition = table.definition
            let dimensions = definition.dimensionNames.map { name in
                TablesResponse.Dimension(name: name, label: dimensionLabel(name, table: table),
                                         values: values(of: definition.dimensions[name], catalog: catalog))
            }
            let (label, description) = text(table)
            return TablesResponse.Table(name: table.rawValue, label: label, description: description,
                                        hasTotal: definition.hasPeopleTotal, dimensions: dimensions)
        }
        return TablesResponse(catalogueVersion: CellTable.catalogueVersion, tables: tables)
    }()

    /// A table's label and description.
    static func text(_ table: CellTable) -> (label: String, description: String) {
        switch table {
        case .inKAA: return ("I aktivitetsansvaret", "Unga som var i aktivitetsansvaret minst en dag under perioden.")
        case .inKAAReason: return ("I aktivitetsansvaret efter registreringsorsak",
                                   "Samma unga, efter registreringsorsaken för deras senaste inskrivning under perioden.")
        case .new: return ("Nya", "Unga vars första inskrivning i registret började under perioden.")
        case .contacted: return ("Nådda", "Unga som nåddes minst en gång under perioden.")
        case .firstContactDays: return ("Dagar till första kontakt",
                                        "Unga som registrerades under perioden, efter dagar från registrering till första kontakt där de nåddes.")
        case .inMeasure: return ("I åtgärd (personer per åtgärdstyp)",
                                 "Unga med en pågående åtgärd av typen under perioden; den som har två typer räknas i båda, så tabellen har ingen summa.")
        case .declined: return ("Tackade nej till åtgärd", "Unga som tackade nej till den första åtgärden i sin inskrivning, erbjuden under perioden.")
        case .deregistered: return ("Avregistrerade", "Unga som avregistrerades under perioden, efter orsak.")
        case .occupationEnd: return ("Sysselsättning vid periodens slut",
                                     "Unga i aktivitetsansvaret periodens sista dag, efter senast kända sysselsättning.")
        case .population: return ("Folkbokförda 16–19 år", "Folkbokförda 16–19-åringar i kommunen enligt senaste uttaget under perioden.")
        }
    }

    /// A dimension's label (a `reason` is a registration reason in one table, a de-registration
    /// reason in another).
    static func dimensionLabel(_ name: String, table: CellTable) -> String {
        switch name {
        case "sex": return "Kön"
        case "age": return "Ålder"
        case "reason": return table == .deregistered ? "Avregistreringsorsak" : "Registreringsorsak"
        case "band": return "Dagar till första kontakt"
        case "measure": return "Åtgärdstyp"
        case "occupation": return "Sysselsättning"
        default: return name
        }
    }

    private static func values(of source: CellDimensionValues?, catalog: CodeCatalog) -> [TablesResponse.Value] {
        switch source {
        case let .codes(list, excluded)?:
            return catalog.codes(in: list).filter { !excluded.contains($0.code) }.map { TablesResponse.Value(code: $0.code, label: $0.label) }
        case let .fixed(values)?:
            return values.sorted { order($0) < order($1) }.map { TablesResponse.Value(code: $0, label: fixedLabel($0)) }
        case nil:
            return []
        }
    }

    /// Bands in their order (`91+` after `31-90`, `none` last), other values as numbers or text.
    private static func order(_ value: String) -> (Int, String) {
        if let band = FirstContactBand.allCases.firstIndex(where: { $0.rawValue == value }) { return (band, value) }
        return (Int(value) ?? 0, value)
    }

    private static func fixedLabel(_ value: String) -> String {
        switch value {
        case "K": return "Kvinnor"
        case "M": return "Män"
        case "0-7": return "0–7 dagar"
        case "8-30": return "8–30 dagar"
        case "31-90": return "31–90 dagar"
        case "91+": return "91 dagar eller fler"
        case "none": return "Ingen kontakt ännu"
        default: return Int(value) != nil ? "\(value) år" : value
        }
    }
}
