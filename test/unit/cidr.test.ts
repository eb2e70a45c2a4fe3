import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ipAllowed, normalizeCidr, parseCidrs } from '../../src/core/cidr.js';

describe('normalizeCidr', () => {
  it('turns a single IPv4 address into a /32', () => {
    assert.equal(normalizeCidr('203.0.113.7'), '203.0.113.7/32');
    assert.equal(normalizeCidr('0.0.0.0'), '0.0.0.0/32');
    assert.equal(normalizeCidr('255.255.255.255'), '255.255.255.255/32');
  });

  it('keeps IPv4 ranges whose host bits are clear', () => {
    assert.equal(normalizeCidr('203.0.113.0/24'), '203.0.113.0/24');
    assert.equal(normalizeCidr('10.0.0.0/8'), '10.0.0.0/8');
    assert.equal(normalizeCidr('0.0.0.0/0'), '0.0.0.0/0');
    assert.equal(normalizeCidr('192.168.1.128/25'), '192.168.1.128/25');
    assert.equal(normalizeCidr('1.2.3.4/32'), '1.2.3.4/32');
  });

  it('turns a single IPv6 address into a /128 in normalised (lowercase, expanded) form', () => {
    assert.equal(normalizeCidr('2001:db8::1'), '2001:db8:0:0:0:0:0:1/128');
    assert.equal(normalizeCidr('2001:DB8::1'), '2001:db8:0:0:0:0:0:1/128');
    assert.equal(normalizeCidr('::1'), '0:0:0:0:0:0:0:1/128');
    assert.equal(normalizeCidr('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8:0:0:0:0:0:1/128');
  });

  it('keeps IPv6 ranges whose host bits are clear, normalised', () => {
    assert.equal(normalizeCidr('2001:db8::/32'), '2001:db8:0:0:0:0:0:0/32');
    assert.equal(normalizeCidr('2001:DB8::/32'), '2001:db8:0:0:0:0:0:0/32');
    assert.equal(normalizeCidr('::/0'), '0:0:0:0:0:0:0:0/0');
    assert.equal(normalizeCidr('2001:db8:abcd:12::/64'), '2001:db8:abcd:12:0:0:0:0/64');
  });

  it('gives the same text for equivalent spellings, so duplicates can be detected', () => {
    assert.equal(normalizeCidr('2001:db8::/32'), normalizeCidr('2001:0DB8:0:0::/32'));
    assert.equal(normalizeCidr('10.0.0.5'), normalizeCidr('10.0.0.5/32'));
    assert.equal(normalizeCidr('::1'), normalizeCidr('0:0:0:0:0:0:0:1/128'));
  });

  it('trims surrounding whitespace', () => {
    assert.equal(normalizeCidr('  10.0.0.0/8  '), '10.0.0.0/8');
    assert.equal(normalizeCidr('\t203.0.113.7\n'), '203.0.113.7/32');
  });

  it('rejects ranges with host bits set beyond the prefix', () => {
    assert.equal(normalizeCidr('10.0.0.1/8'), null);
    assert.equal(normalizeCidr('203.0.113.7/24'), null);
    assert.equal(normalizeCidr('192.168.1.129/25'), null);
    assert.equal(normalizeCidr('0.0.0.1/0'), null);
    assert.equal(normalizeCidr('2001:db8::1/32'), null);
    assert.equal(normalizeCidr('2001:db8::1/127'), null);
    assert.equal(normalizeCidr('::1/0'), null);
  });

  it('rejects out-of-range prefix lengths', () => {
    assert.equal(normalizeCidr('10.0.0.0/33'), null);
    assert.equal(normalizeCidr('10.0.0.0/-1'), null);
    assert.equal(normalizeCidr('10.0.0.0/100'), null);
    assert.equal(normalizeCidr('2001:db8::/129'), null);
    assert.equal(normalizeCidr('2001:db8::/999'), null);
  });

  it('rejects garbage', () => {
    const garbage = [
      '',
      '   ',
      'localhost',
      'example.com',
      '1.2.3.4.5',
      '1.2.3.256',
      '256.0.0.0',
      '-1.0.0.0',
      '1.2.3.4/',
      '/24',
      '1.2.3.0/24/24',
      '1.2.3.0/ 24',
      '1.2.3.0/x',
      '1.2.3.0-1.2.3.255',
      '1.2.3.*',
      '2001:db8:::1',
      '2001:db8::g',
      ':::',
      '1.2.3.4, 5.6.7.8',
      '1.2.3.4 5.6.7.8',
      '<script>',
      'NaN',
      'null',
    ];
    for (const input of garbage) assert.equal(normalizeCidr(input), null, JSON.stringify(input));
  });

  it('rejects input longer than 64 characters (after trimming)', () => {
    const long = `${'0:'.repeat(40)}1`;
    assert.ok(long.length > 64);
    assert.equal(normalizeCidr(long), null);
    assert.equal(normalizeCidr('1'.repeat(65)), null);
    assert.equal(normalizeCidr(`10.0.0.0/${'0'.repeat(60)}8`), null);
  });

  it('stores IPv4-mapped IPv6 text as the IPv4 address or range it means, since clients are matched as IPv4', () => {
    assert.equal(normalizeCidr('::ffff:203.0.113.5'), '203.0.113.5/32');
    assert.equal(normalizeCidr('::ffff:203.0.113.0/120'), '203.0.113.0/24');
    assert.equal(normalizeCidr('::ffff:0:0/80'), null);
  });

  it('rejects non-dotted-quad IPv4 spellings (octal, hex, short, integer)', () => {
    // "010.0.0.1" is read as octal and silently becomes 8.0.0.1/32; "10.1" becomes 10.0.0.1/32,
    // "1.2.3" becomes 1.2.0.3/32, "10" becomes 0.0.0.10/32.
    assert.equal(normalizeCidr('010.0.0.1'), null);
    assert.equal(normalizeCidr('0x0a.0.0.1'), null);
    assert.equal(normalizeCidr('10.1'), null);
    assert.equal(normalizeCidr('1.2.3'), null);
    assert.equal(normalizeCidr('10'), null);
    assert.equal(normalizeCidr('167772161'), null);
    assert.equal(normalizeCidr('167772160/8'), null);
  });
});

describe('parseCidrs', () => {
  it('parses normalised CIDR text into [address, bits] pairs', () => {
    const [v4, v6] = parseCidrs(['10.0.0.0/8', '2001:db8:0:0:0:0:0:0/32']);
    assert.equal(v4![0].kind(), 'ipv4');
    assert.equal(v4![1], 8);
    assert.equal(v6![0].kind(), 'ipv6');
    assert.equal(v6![1], 32);
    assert.deepEqual(parseCidrs([]), []);
  });
});

describe('ipAllowed', () => {
  const v4 = parseCidrs(['203.0.113.0/24', '10.0.0.5/32']);
  const v6 = parseCidrs(['2001:db8:0:0:0:0:0:0/32']);
  const mixed = [...v4, ...v6];

  it('allows everything when there are no ranges, even an unknown address', () => {
    assert.equal(ipAllowed('203.0.113.5', []), true);
    assert.equal(ipAllowed('2001:db8::1', []), true);
    assert.equal(ipAllowed(undefined, []), true);
    assert.equal(ipAllowed('', []), true);
    assert.equal(ipAllowed('garbage', []), true);
  });

  it('denies an unknown (undefined or empty) address when ranges are set', () => {
    assert.equal(ipAllowed(undefined, v4), false);
    assert.equal(ipAllowed('', v4), false);
    assert.equal(ipAllowed(undefined, parseCidrs(['0.0.0.0/0'])), false);
  });

  it('denies an unparsable address when ranges are set', () => {
    for (const ip of ['garbage', '1.2.3.256', '2001:db8:::1', ' ', 'localhost']) {
      assert.equal(ipAllowed(ip, v4), false, ip);
      assert.equal(ipAllowed(ip, parseCidrs(['0.0.0.0/0', '::/0'])), false, ip);
    }
  });

  it('matches IPv4 addresses against IPv4 ranges, at the edges too', () => {
    assert.equal(ipAllowed('203.0.113.0', v4), true);
    assert.equal(ipAllowed('203.0.113.5', v4), true);
    assert.equal(ipAllowed('203.0.113.255', v4), true);
    assert.equal(ipAllowed('203.0.112.255', v4), false);
    assert.equal(ipAllowed('203.0.114.0', v4), false);
    assert.equal(ipAllowed('10.0.0.5', v4), true);
    assert.equal(ipAllowed('10.0.0.4', v4), false);
    assert.equal(ipAllowed('10.0.0.6', v4), false);
    assert.equal(ipAllowed('1.1.1.1', parseCidrs(['0.0.0.0/0'])), true);
  });

  it('matches IPv6 addresses against IPv6 ranges', () => {
    assert.equal(ipAllowed('2001:db8::1', v6), true);
    assert.equal(ipAllowed('2001:DB8:ffff::1', v6), true);
    assert.equal(ipAllowed('2001:db9::1', v6), false);
    assert.equal(ipAllowed('::1', v6), false);
    assert.equal(ipAllowed('::1', parseCidrs(['::/0'])), true);
  });

  it('matches IPv4-mapped IPv6 addresses (as Express reports them) against IPv4 ranges', () => {
    assert.equal(ipAllowed('::ffff:203.0.113.5', v4), true);
    assert.equal(ipAllowed('::FFFF:203.0.113.5', v4), true);
    assert.equal(ipAllowed('::ffff:10.0.0.5', v4), true);
    assert.equal(ipAllowed('::ffff:203.0.114.5', v4), false);
    assert.equal(ipAllowed('::ffff:cb00:7105', v4), true);
  });

  it('never matches across families', () => {
    assert.equal(ipAllowed('203.0.113.5', v6), false);
    assert.equal(ipAllowed('2001:db8::1', v4), false);
    assert.equal(ipAllowed('10.0.0.1', parseCidrs(['::/0'])), false);
    assert.equal(ipAllowed('2001:db8::1', parseCidrs(['0.0.0.0/0'])), false);
  });

  it('allows when any one of several ranges matches', () => {
    assert.equal(ipAllowed('10.0.0.5', mixed), true);
    assert.equal(ipAllowed('2001:db8::5', mixed), true);
    assert.equal(ipAllowed('::ffff:203.0.113.9', mixed), true);
    assert.equal(ipAllowed('192.0.2.1', mixed), false);
  });

  it('works with ranges produced by normalizeCidr', () => {
    const ranges = parseCidrs(['198.51.100.7', '2001:db8::/48'].map((c) => normalizeCidr(c)!));
    assert.equal(ipAllowed('198.51.100.7', ranges), true);
    assert.equal(ipAllowed('::ffff:198.51.100.7', ranges), true);
    assert.equal(ipAllowed('198.51.100.8', ranges), false);
    assert.equal(ipAllowed('2001:db8:0:ffff::1', ranges), true);
    assert.equal(ipAllowed('2001:db8:1::1', ranges), false);
  });

  it('an IPv4-mapped IPv6 range accepted by normalizeCidr matches the clients it names', () => {
    const ranges = parseCidrs([normalizeCidr('::ffff:203.0.113.0/120')!]);
    assert.equal(ipAllowed('203.0.113.5', ranges), true);
    assert.equal(ipAllowed('::ffff:203.0.113.5', ranges), true);
  });
});
