import { web, type LabScenario } from './lab-scenario-kit.js';

/** Path MTU: where large packets stop while small ones pass. */
export const MTU_SCENARIOS: LabScenario[] = [
  {
    id: 'mtu-blackhole',
    cause: 'mtu-blackhole',
    origin: 'path',
    what: 'link 3 has an MTU of 1280 and its routers drop ICMP "fragmentation needed"',
    async setup(lab) {
      await web(lab);
      const link = lab.links[2]!;
      for (const end of [link.left, link.right])
        await lab.exec(end.ns, 'ip', ['link', 'set', end.ifname, 'mtu', '1280']);
      for (const router of [lab.names.routers[1]!, lab.names.routers[2]!]) {
        await lab.nft(
          router,
          'table inet rd_pmtu {\n  chain output {\n    type filter hook output priority 0; policy accept;\n    icmp type destination-unreachable icmp code frag-needed drop\n  }\n}\n',
        );
      }
      return { target: 'http://web.lab.test/big' };
    },
  },
];
