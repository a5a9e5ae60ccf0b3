@testable import KAAHub
import Testing

/// The publication cache stays valid exactly as long as the figures do.
@Suite struct PublicationCacheValidityTests {
    @Test func anAuthenticatedRequestKeepsThePublicationCached() throws {
        let (fixture, _) = try publishedFixture()
        let first = get(fixture, "/v1/published", query: ["period": "2026-11"])
        let made = fixture.hub.publicationCache.made
        // A sync run's state request records the kommun's last contact, which changes no figure.
        _ = try fixture.state()
        let again = get(fixture, "/v1/published", query: ["period": "2026-11"])
        #expect(again.body == first.body)
        #expect(fixture.hub.publicationCache.made == made, "served from the cache")
    }
}
