use super::Price;

/// The workshops on sale: their ids and prices live here and nowhere else (`CATALOGUE`); their
/// names and durations, per language, in `texts` (`texts::package_name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Package {
    Somestartti,
    SomeHaltuun,
}

/// One workshop's entry in the catalogue.
struct Entry {
    package: Package,
    /// The id the form sends and the order stores.
    id: &'static str,
    /// Net price, VAT excluded (alv 0 %), in euro cents.
    net_cents: i64,
    /// A short name for subjects and the operator's table.
    short_name: &'static str,
    /// How long the workshop is: a booking's default end after its start.
    minutes: i64,
}

static CATALOGUE: [Entry; 2] = [
    Entry {
        package: Package::Somestartti,
        id: "somestartti",
        net_cents: 500_00,
        short_name: "Somestartti",
        minutes: 120,
    },
    Entry {
        package: Package::SomeHaltuun,
        id: "some-haltuun",
        net_cents: 900_00,
        short_name: "Some haltuun",
        minutes: 240,
    },
];

impl Package {
    /// Every package, in the catalogue's order (the form's).
    pub const ALL: [Package; 2] = [Package::Somestartti, Package::SomeHaltuun];

    fn entry(self) -> &'static Entry {
        // Each package has its entry: `every_package_has_its_own_entry` checks the table.
        (CATALOGUE.iter().find(|entry| entry.package == self)).unwrap_or(&CATALOGUE[0])
    }

    pub fn parse(id: &str) -> Option<Package> {
        (CATALOGUE.iter().find(|entry| entry.id == id)).map(|entry| entry.package)
    }

    /// The id the form sends and the order stores.
    pub fn id(self) -> &'static str {
        self.entry().id
    }

    /// Net price, VAT excluded (alv 0 %), in euro cents.
    pub fn net_cents(self) -> i64 {
        self.entry().net_cents
    }

    pub fn price(self) -> Price {
        Price::from_net_cents(self.net_cents())
    }

    /// A short name for subjects, e.g. `Somestartti`.
    pub fn short_name(self) -> &'static str {
        self.entry().short_name
    }

    /// How long the workshop is, in minutes.
    pub fn minutes(self) -> i64 {
        self.entry().minutes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_package_parses_from_its_own_id() {
        for package in Package::ALL {
            assert_eq!(Package::parse(package.id()), Some(package));
        }
        assert_eq!(Package::parse("Somestartti"), None);
        assert_eq!(Package::parse(""), None);
    }

    #[test]
    fn every_package_has_its_own_entry() {
        assert_eq!(Package::ALL.len(), CATALOGUE.len());
        for (package, entry) in Package::ALL.into_iter().zip(&CATALOGUE) {
            assert_eq!(package, entry.package);
            assert!(std::ptr::eq(package.entry(), entry));
        }
    }

    #[test]
    fn prices_are_the_published_ones() {
        assert_eq!(Package::Somestartti.price().gross_cents, 627_50);
        assert_eq!(Package::SomeHaltuun.price().gross_cents, 1_129_50);
    }
}
