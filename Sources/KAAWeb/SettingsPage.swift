import KAAHTML
import KAARegister

/// Inställningar (/installningar, admin; issue 16).
enum SettingsPage {
    static let routes: [Route] = []
}
