import { WEB, web, type LabScenario } from './lab-scenario-kit.js';

/** Limits on concurrent connections and on the rate of new ones. */
export const LOAD_SCENARIOS: LabScenario[] = [
  {
    id: 'connection-limit',
    cause: 'connection-limit',
    origin: 'server',
    what: 'the server rejects (with a reset) more than 3 concurrent connections to port 80',
    async setup(lab) {
      await web(lab);
      await lab.nft(
        lab.names.server,
        'table inet rd_limit {\n  chain input {\n    type filter hook input priority 0; policy accept;\n    tcp dport 80 ct count over 3 reject with tcp reset\n  }\n}\n',
      );
      return { target: WEB };
    },
  },
];
