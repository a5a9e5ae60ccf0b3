import KAAHTML
import KAARegister

/// Loggkontroll's risk views and monthly sample (/logg/risker, /logg/stickprov, granskare; issue 16).
enum LogReviewPages {
    static let routes: [Route] = []
}
