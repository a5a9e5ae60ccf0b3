import KAAAuth
import Testing

struct PasswordHasherTests {
    @Test func defaultsAreOWASPsArgon2idMinimum() {
        let hasher = PasswordHasher()
        #expect(hasher.memoryKiB == 19_456 && hasher.iterations == 2 && hasher.parallelism == 1)
    }

    @Test func hashIsAPHCStringThatVerifiesOnlyTheSamePassword() throws {
        let hasher = PasswordHasher()
        let encoded = try hasher.hash("korrekt häst batteri")
        #expect(encoded.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(PasswordHasher.verify("korrekt häst batteri", against: encoded))
        #expect(!PasswordHasher.verify("korrekt hast batteri", against: encoded))
        #expect(!PasswordHasher.verify("", against: encoded))
    }

    @Test func saltsDiffer() throws {
        let hasher = PasswordHasher(memoryKiB: 1024, iterations: 1, parallelism: 1)
        #expect(try hasher.hash("samma lösenord") != hasher.hash("samma lösenord"))
    }

    @Test func hashKeepsItsParametersSoAnOldHashStillVerifies() throws {
        let old = try PasswordHasher(memoryKiB: 1024, iterations: 1, parallelism: 1).hash("gammalt lösenord")
        #expect(old.hasPrefix("$argon2id$v=19$m=1024,t=1,p=1$"))
        #expect(PasswordHasher.verify("gammalt lösenord", against: old))
    }

    @Test(arguments: ["", "$argon2id$", "not a hash", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA"])
    func malformedHashMatchesNothing(encoded: String) {
        #expect(!PasswordHasher.verify("", against: encoded))
        #expect(!PasswordHasher.verify("lösenord", against: encoded))
    }
}
