import KAAHTML
import KAARegister

/// Massutskick (/brev, samordnare; issue 16).
enum LettersPage {
    static let routes: [Route] = []
}
