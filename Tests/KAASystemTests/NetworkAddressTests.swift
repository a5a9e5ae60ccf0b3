import KAASystem
import Testing

/// `NetworkAddress` and `NetworkRange`: numeric addresses only (inet_pton), CIDR blocks without host
/// bits, IPv4 never inside an IPv6 range.
@Suite struct NetworkAddressTests {
    @Test func anIPv4AddressIsFourBytes() throws {
        let address = try #require(NetworkAddress("192.0.2.1"))
        #expect(address.bytes == [192, 0, 2, 1])
        #expect(address.description == "192.0.2.1")
        #expect(NetworkAddress("0.0.0.0")?.bytes == [0, 0, 0, 0])
        #expect(NetworkAddress("255.255.255.255")?.bytes == [255, 255, 255, 255])
    }

    @Test func anIPv6AddressIsSixteenBytes() throws {
        let address = try #require(NetworkAddress("2001:db8::1"))
        #expect(address.bytes == [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1])
        #expect(address.description == "2001:db8::1")
        #expect(NetworkAddress("::1")?.bytes == [UInt8](repeating: 0, count: 15) + [1])
        #expect(NetworkAddress("2001:DB8:0:0:0:0:0:1") == address)
        #expect(NetworkAddress("::")?.bytes.count == 16)
    }

    @Test func anIPv4MappedIPv6AddressIsTheIPv4Address() throws {
        let mapped = try #require(NetworkAddress("::ffff:192.0.2.1"))
        #expect(mapped == NetworkAddress("192.0.2.1"))
        #expect(mapped.bytes.count == 4)
        #expect(mapped.description == "192.0.2.1")
        #expect(NetworkAddress("::ffff:c000:201") == NetworkAddress("192.0.2.1"))
        // Not mapped: IPv4-compatible (deprecated) and NAT64 stay IPv6.
        #expect(NetworkAddress("::192.0.2.1")?.bytes.count == 16)
        #expect(NetworkAddress("64:ff9b::192.0.2.1")?.bytes.count == 16)
    }

    @Test(arguments: ["localhost", "kaa.kommun.se", "1.2.3.4:80", "[::1]", "[::1]:80", "fe80::1%eth0", "fe80::1%1", " 1.2.3.4", "1.2.3.4 ",
                      "1.2.3.4\n", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-1", "01.2.3.4", "0x7f.0.0.1", "127.1", "", " ", "::ffff:256.0.0.1",
                      "1:2:3:4:5:6:7:8:9", "2001:db8:::1", "١.٢.٣.٤", "1.2.3.4/32", String(repeating: "1", count: 100),
                      String(repeating: "0:", count: 40) + "1", "1.2.3.4\u{0}"])
    func hostileTextIsNoAddress(_ text: String) {
        #expect(NetworkAddress(text) == nil)
    }

    @Test func theLongestNumericFormsStillParse() {
        // 45 characters: the longest an address can be written (INET6_ADDRSTRLEN − 1).
        #expect(NetworkAddress("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255")?.bytes == [UInt8](repeating: 0xFF, count: 16))
        #expect(NetworkAddress("0000:0000:0000:0000:0000:ffff:192.168.100.200")?.bytes == [192, 168, 100, 200])
        #expect(NetworkAddress("0000:0000:0000:0000:0000:ffff:192.168.100.200 ") == nil)
    }

    @Test func aSubstringParsesLikeAString() {
        let text = "x10.0.0.1y"
        #expect(NetworkAddress(text.dropFirst().dropLast())?.bytes == [10, 0, 0, 1])
    }

    @Test func aBlockContainsItsAddressesAndNoOthers() throws {
        let block = try #require(NetworkRange("10.0.0.0/8"))
        #expect(block.prefixLength == 8)
        #expect(block.description == "10.0.0.0/8")
        for inside in ["10.0.0.0", "10.1.2.3", "10.255.255.255", "::ffff:10.9.9.9"] {
            #expect(block.contains(try #require(NetworkAddress(inside))), "\(inside)")
        }
        for outside in ["11.0.0.0", "9.255.255.255", "192.168.0.1", "::a00:1", "::ffff:11.0.0.1"] {
            #expect(!block.contains(try #require(NetworkAddress(outside))), "\(outside)")
        }
        let odd = try #require(NetworkRange("192.168.4.0/22"))
        #expect(odd.contains(try #require(NetworkAddress("192.168.7.255"))))
        #expect(!odd.contains(try #require(NetworkAddress("192.168.8.0"))))
        #expect(!odd.contains(try #require(NetworkAddress("192.168.3.255"))))
    }

    @Test func slashZeroContainsEveryAddressOfItsFamily() throws {
        let all4 = try #require(NetworkRange("0.0.0.0/0"))
        #expect(all4.contains(try #require(NetworkAddress("203.0.113.9"))))
        #expect(all4.contains(try #require(NetworkAddress("255.255.255.255"))))
        #expect(!all4.contains(try #require(NetworkAddress("2001:db8::1"))))
        let all6 = try #require(NetworkRange("::/0"))
        #expect(all6.contains(try #require(NetworkAddress("2001:db8::1"))))
        #expect(!all6.contains(try #require(NetworkAddress("203.0.113.9"))))
    }

    @Test func aHostRangeIsOneAddress() throws {
        let one = try #require(NetworkRange("127.0.0.1"))
        #expect(one.prefixLength == 32)
        #expect(one == NetworkRange("127.0.0.1/32"))
        #expect(one.contains(try #require(NetworkAddress("127.0.0.1"))))
        #expect(!one.contains(try #require(NetworkAddress("127.0.0.2"))))
        let six = try #require(NetworkRange("::1/128"))
        #expect(six == NetworkRange("::1"))
        #expect(six.prefixLength == 128)
        #expect(six.contains(try #require(NetworkAddress("::1"))))
        #expect(!six.contains(try #require(NetworkAddress("::2"))))
        #expect(!six.contains(try #require(NetworkAddress("127.0.0.1"))))
    }

    @Test func anIPv6BlockContainsItsAddresses() throws {
        let block = try #require(NetworkRange("fd00::/8"))
        #expect(block.contains(try #require(NetworkAddress("fd12:3456::1"))))
        #expect(!block.contains(try #require(NetworkAddress("fe80::1"))))
        let block61 = try #require(NetworkRange("2001:db8:0:8::/61"))
        #expect(block61.contains(try #require(NetworkAddress("2001:db8:0:f::1"))))
        #expect(!block61.contains(try #require(NetworkAddress("2001:db8:0:10::1"))))
    }

    @Test func anIPv4AddressIsNeverInAnIPv6Range() throws {
        // ::/96 holds ::a00:1 (IPv4-compatible), whose last bytes are 10.0.0.1: still not the IPv4 address.
        let compatible = try #require(NetworkRange("::/96"))
        #expect(!compatible.contains(try #require(NetworkAddress("10.0.0.1"))))
        #expect(!compatible.contains(try #require(NetworkAddress("::ffff:10.0.0.1"))))
        #expect(compatible.contains(try #require(NetworkAddress("::a00:1"))))
    }

    @Test(arguments: ["10.1.2.3/8", "127.0.0.1/0", "192.168.4.1/22", "::1/64", "fd00::1/8", "10.0.0.0/33", "::/129", "10.0.0.0/-1",
                      "10.0.0.0/", "/8", "10.0.0.0/8/8", "10.0.0.0/+8", "10.0.0.0/ 8", "10.0.0.0/8 ", "10.0.0.0/٨", "10.0.0.0/0008",
                      "10.0.0.0/x", "10.0.0/8", "example.com/8", "", "/", "::ffff:10.0.0.0/104", "1.2.3.4:80/32"])
    func aBadRangeIsRefused(_ text: String) {
        #expect(NetworkRange(text) == nil)
    }
}
