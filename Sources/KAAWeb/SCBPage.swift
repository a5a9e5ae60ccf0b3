import KAAHTML
import KAARegister

/// SCB-rapport (/scb, samordnare; issue 16).
enum SCBPage {
    static let routes: [Route] = []
}
