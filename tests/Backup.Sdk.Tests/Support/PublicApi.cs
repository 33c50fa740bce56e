using System.Reflection;
using System.Text;

namespace Backup.Sdk.Tests.Support;

/// <summary>Renders the public surface of an assembly as sorted text: every visible type and member, with nullability.</summary>
/// <remarks>Only what a plugin can see or call counts: public and protected members of public types; bodies and attributes do not.</remarks>
internal static class PublicApi
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>One block per type, sorted by full name; members sorted within a type.</summary>
    public static string Render(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(Header(type)).Append('\n');
            // By member name (constructors, ".ctor", first), then by signature for overloads: stable and easy to diff.
            var members = type.GetMembers(Declared).Where(IsVisible)
                .Select(m => (m.Name, Text: Member(type, m)))
                .Where(m => m.Text is not null)
                .OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.Text, StringComparer.Ordinal);
            foreach (var member in members)
            {
                text.Append("  ").Append(member.Text).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Header(Type type)
    {
        var kind = type switch
        {
            { IsInterface: true } => "interface",
            { IsEnum: true } => "enum",
            { IsValueType: true } => "struct",
            _ when type.GetMethod("<Clone>$") is not null => type.IsSealed ? "sealed record" : "record",
            { IsAbstract: true, IsSealed: true } => "static class",
            { IsAbstract: true } => "abstract class",
            { IsSealed: true } => "sealed class",
            _ => "class",
        };
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum))
        {
            bases.Add(Name(baseType));
        }

        // Only the interfaces this type adds, not those its base or other interfaces already bring.
        var inherited = type.GetInterfaces().SelectMany(i => i.GetInterfaces()).Concat(type.BaseType?.GetInterfaces() ?? []).ToHashSet();
        bases.AddRange(type.GetInterfaces().Where(i => !inherited.Contains(i)).Select(Name).Order(StringComparer.Ordinal));
        return $"{kind} {Name(type)}" + (bases.Count > 0 ? " : " + string.Join(", ", bases) : "");
    }

    private static bool IsVisible(MemberInfo member) => member switch
    {
        MethodBase m => (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly) && !m.Name.StartsWith('<'),
        FieldInfo f => (f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly) && !f.IsSpecialName,
        PropertyInfo p => p.GetAccessors(nonPublic: true).Any(IsVisible),
        EventInfo e => e.AddMethod is { } add && IsVisible(add),
        Type t => t.IsNestedPublic || t.IsNestedFamily,
        _ => false,
    };

    private static string? Member(Type owner, MemberInfo member)
    {
        var nullability = new NullabilityInfoContext();
        return member switch
        {
            ConstructorInfo c => $"{Access(c)}ctor({Parameters(c, nullability)})",
            MethodInfo { IsSpecialName: true } m when !m.Name.StartsWith("op_", StringComparison.Ordinal) => null, // accessors: shown with their property/event
            MethodInfo m => $"{Access(m)}{Modifiers(m)}{Type(nullability.Create(m.ReturnParameter))} {m.Name}{GenericArguments(m)}({Parameters(m, nullability)})",
            PropertyInfo p => $"{Access(p.GetAccessors(true).First(IsVisible))}{Modifiers(p.GetAccessors(true).First())}{Type(nullability.Create(p))} {p.Name} {{ {Accessors(p)} }}",
            FieldInfo f when owner.IsEnum => $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}",
            FieldInfo f => $"{Access(f)}{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Type(nullability.Create(f))} {f.Name}",
            EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
            Type t => $"nested {Header(t)}",
            _ => null,
        };
    }

    private static string Access(MethodBase method) => method.IsPublic ? "" : "protected ";

    private static string Access(FieldInfo field) => field.IsPublic ? "" : "protected ";

    private static string Modifiers(MethodInfo method) =>
        method.IsStatic ? "static "
        : method.DeclaringType!.IsInterface ? ""
        : method.IsAbstract ? "abstract "
        : method.IsVirtual && !method.IsFinal ? (method.GetBaseDefinition() == method ? "virtual " : "override ")
        : method.IsVirtual && method.GetBaseDefinition() != method ? "override " : "";

    private static string Accessors(PropertyInfo property)
    {
        var parts = new List<string>();
        if (property.GetMethod is { } get && IsVisible(get))
        {
            parts.Add("get;");
        }

        if (property.SetMethod is { } set && IsVisible(set))
        {
            var isInit = set.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");
            parts.Add(isInit ? "init;" : "set;");
        }

        return string.Join(' ', parts);
    }

    private static string GenericArguments(MethodInfo method) =>
        method.IsGenericMethodDefinition ? $"<{string.Join(", ", method.GetGenericArguments().Select(a => a.Name))}>" : "";

    private static string Parameters(MethodBase method, NullabilityInfoContext nullability) =>
        string.Join(", ", method.GetParameters().Select(p =>
            $"{(p.ParameterType.IsByRef ? (p.IsOut ? "out " : p.IsIn ? "in " : "ref ") : "")}{Type(nullability.Create(p))} {p.Name}"
            + (p.HasDefaultValue ? $" = {Literal(p.DefaultValue)}" : "")));

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
    };

    private static string Type(NullabilityInfo info)
    {
        var type = info.Type.IsByRef ? info.Type.GetElementType()! : info.Type;
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        var name = type.IsGenericType
            ? $"{Plain(type)}<{string.Join(", ", info.GenericTypeArguments.Select(Type))}>"
            : type.IsArray ? Type(info.ElementType!) + "[]" : Name(type);
        return name + (info.ReadState == NullabilityState.Nullable && !type.IsValueType ? "?" : "");
    }

    private static string Name(Type type) => type switch
    {
        { IsGenericParameter: true } => type.Name,
        { IsArray: true } => Name(type.GetElementType()!) + "[]",
        { IsGenericType: true } => $"{Plain(type)}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>",
        _ => Keyword(type) ?? type.FullName ?? type.Name,
    };

    private static string Plain(Type type)
    {
        var name = type.GetGenericTypeDefinition().FullName ?? type.Name;
        return name[..name.IndexOf('`')];
    }

    private static string? Keyword(Type type) => type == typeof(void) ? "void"
        : type == typeof(string) ? "string"
        : type == typeof(object) ? "object"
        : type == typeof(bool) ? "bool"
        : type == typeof(int) ? "int"
        : type == typeof(long) ? "long"
        : type == typeof(byte) ? "byte"
        : type == typeof(ushort) ? "ushort"
        : null;
}
