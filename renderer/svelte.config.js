/** Every component of the wizard uses runes ($state, $props, …): no legacy component syntax. */
export default {
  compilerOptions: { runes: true },
};
