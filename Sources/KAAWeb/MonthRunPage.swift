import KAAHTML
import KAARegister

/// Månadskörning (/manadskorning, samordnare; issue 16).
enum MonthRunPage {
    static let routes: [Route] = []
}
