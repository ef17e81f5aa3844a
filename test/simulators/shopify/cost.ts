import {
  type DocumentNode,
  type FragmentDefinitionNode,
  getNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  type GraphQLOutputType,
} from "graphql";

/**
 * Requested query cost by Shopify's published rules: scalars and enums 0, objects 1, connections
 * (and lists taking `first`) 2 + first × the cost of one item (itself 1 + its fields), every mutation
 * field 10. `first` comes from literals or variables.
 */
export function requestedCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  const argValue = (node: ValueNode | undefined): unknown => {
    if (!node) return undefined;
    if (node.kind === Kind.VARIABLE) return variables[node.name.value];
    if (node.kind === Kind.INT) return Number(node.value);
    return undefined;
  };

  const selectionCost = (set: SelectionSetNode | undefined, type: GraphQLObjectType): number => {
    if (!set) return 0;
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const on = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && isObjectType(on)) total += selectionCost(fragment.selectionSet, on);
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : type;
        if (isObjectType(on)) total += selectionCost(selection.selectionSet, on);
        continue;
      }
      if (selection.name.value.startsWith("__")) continue;
      const field = type.getFields()[selection.name.value];
      if (!field) continue;
      const paginated = field.args.some((a) => a.name === "first");
      const firstArg = selection.arguments?.find((a) => a.name.value === "first")?.value;
      total += fieldCost(field.type, selection.selectionSet, paginated, firstArg);
    }
    return total;
  };

  const fieldCost = (
    fieldType: GraphQLOutputType,
    set: SelectionSetNode | undefined,
    paginated: boolean,
    firstNode: ValueNode | undefined,
  ): number => {
    const named = getNamedType(fieldType);
    if (!isCompositeType(named) || !isObjectType(named)) return 0;
    const unwrapped = isNonNullType(fieldType) ? fieldType.ofType : fieldType;
    const first = Number(argValue(firstNode) ?? 1) || 1;
    if (named.name.endsWith("Connection")) {
      // Items are under `nodes` or `edges { node }`; pageInfo is free.
      let item = 0;
      for (const s of set?.selections ?? []) {
        if (s.kind !== Kind.FIELD) continue;
        if (s.name.value === "nodes") {
          const itemType = getNamedType(named.getFields().nodes!.type) as GraphQLObjectType;
          item = Math.max(item, 1 + selectionCost(s.selectionSet, itemType));
        }
        if (s.name.value === "edges") {
          const edgeType = getNamedType(named.getFields().edges!.type) as GraphQLObjectType;
          const nodeSel = s.selectionSet?.selections.find(
            (n) => n.kind === Kind.FIELD && n.name.value === "node",
          );
          const nodeType = getNamedType(edgeType.getFields().node!.type) as GraphQLObjectType;
          item = Math.max(
            item,
            1 +
              (nodeSel && nodeSel.kind === Kind.FIELD
                ? selectionCost(nodeSel.selectionSet, nodeType)
                : 0),
          );
        }
      }
      return 2 + first * item;
    }
    if (paginated && isListType(unwrapped)) return 2 + first * (1 + selectionCost(set, named));
    return 1 + selectionCost(set, named);
  };

  if (operation.operation === "mutation") {
    return operation.selectionSet.selections.filter((s) => s.kind === Kind.FIELD).length * 10;
  }
  const root = schema.getQueryType();
  return root ? selectionCost(operation.selectionSet, root) : 0;
}
