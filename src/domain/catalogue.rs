use super::Price;

/// The workshops on sale: their ids and prices live here and nowhere else; their names and
/// durations, per language, in `texts` (`texts::package_name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Package {
    Somestartti,
    SomeHaltuun,
}

impl Package {
    pub const ALL: [Package; 2] = [Package::Somestartti, Package::SomeHaltuun];

    pub fn parse(id: &str) -> Option<Package> {
        Package::ALL.into_iter().find(|p| p.id() == id)
    }

    /// The id the form sends and the order stores.
    pub fn id(self) -> &'static str {
        match self {
            Package::Somestartti => "somestartti",
            Package::SomeHaltuun => "some-haltuun",
        }
    }

    /// Net price, VAT excluded (alv 0 %), in euro cents.
    pub fn net_cents(self) -> i64 {
        match self {
            Package::Somestartti => 500_00,
            Package::SomeHaltuun => 900_00,
        }
    }

    pub fn price(self) -> Price {
        Price::from_net_cents(self.net_cents())
    }

    /// A short name for subjects, e.g. `Somestartti`.
    pub fn short_name(self) -> &'static str {
        match self {
            Package::Somestartti => "Somestartti",
            Package::SomeHaltuun => "Some haltuun",
        }
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
    fn prices_are_the_published_ones() {
        assert_eq!(Package::Somestartti.price().gross_cents, 627_50);
        assert_eq!(Package::SomeHaltuun.price().gross_cents, 1_129_50);
    }
}
