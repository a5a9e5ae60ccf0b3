import KAAHTML
import KAARegister

/// Rapporter (/rapporter, samordnare; issue 16).
enum ReportsPage {
    static let routes: [Route] = []
}
